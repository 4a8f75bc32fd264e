// fiber.h: the simulator's fibers: a saved context and a switch between two of them.
// defines: kx_sim::fiber, kx_sim::fiber_init, kx_sim::fiber_switch
//
// On x86-64 Linux the switch saves the System V callee-saved registers (rbx, rbp, r12-r15) on
// the old stack and the stack pointer in the fiber, in assembly (sim.cpp), with no system call;
// elsewhere, or with KX_SIM_UCONTEXT defined, it is libc's swapcontext.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && defined(__linux__) && !defined(KX_SIM_UCONTEXT)
#define KX_SIM_FIBER_ASM 1
#else
#define KX_SIM_FIBER_ASM 0
#include <ucontext.h>
#endif

#if KX_SIM_FIBER_ASM
/** Saves the callee-saved registers and stack pointer into *save_sp, resumes next_sp. */
extern "C" void kx_sim_fiber_swap(void ** save_sp, void * next_sp);
#endif

namespace kx_sim {

#if KX_SIM_FIBER_ASM

struct fiber {
    void * sp = nullptr;
};

/** Makes f start entry (which must never return) on [stack, stack + bytes). */
inline void fiber_init(fiber & f, char * stack, size_t bytes, void (*entry)()) {
    const uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + bytes) & ~uintptr_t(15);
    void **         sp  = reinterpret_cast<void **>(top);
    *--sp               = nullptr;                         // entry's return address: none
    *--sp               = reinterpret_cast<void *>(entry); // what the switch's ret jumps to
    for (int i = 0; i < 6; i++) {
        *--sp = nullptr; // rbp, rbx, r12-r15
    }
    f.sp = sp;
}

/** Suspends the running context into from and resumes to. */
inline void fiber_switch(fiber & from, fiber & to) {
    kx_sim_fiber_swap(&from.sp, to.sp);
}

#else

struct fiber {
    ucontext_t uc;
};

inline void fiber_init(fiber & f, char * stack, size_t bytes, void (*entry)()) {
    getcontext(&f.uc);
    f.uc.uc_stack.ss_sp   = stack;
    f.uc.uc_stack.ss_size = bytes;
    f.uc.uc_link          = nullptr;
    makecontext(&f.uc, entry, 0);
}

inline void fiber_switch(fiber & from, fiber & to) {
    swapcontext(&from.uc, &to.uc);
}

#endif

} // namespace kx_sim
