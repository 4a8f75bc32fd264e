// caw-steps.cuh: the device trainer's elementwise steps between the model's ops (caw-steps.cu;
// the host twins are caw_host_mem's loops in model/caw-backend.h).
// defines: CAW_STEPS_BLOCK, CAW_STEPS_MAX_BLOCKS
// One thread per element, grid-stride beyond CAW_STEPS_MAX_BLOCKS blocks; every element is
// computed by one thread from its own inputs (no shared memory, no atomics), so results are
// bitwise reproducible and equal to the host loops' where the arithmetic is the same
// (gen_input, gen_output, gen_input_grads, mix, fill_keep, scale: the same float expressions).
#pragma once

/** Threads per block of every step kernel. */
constexpr unsigned CAW_STEPS_BLOCK = 256;
/** Most blocks of one launch; larger tensors loop (grid stride). */
constexpr unsigned CAW_STEPS_MAX_BLOCKS = 4096;
