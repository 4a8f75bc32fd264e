// adam.cuh: the Adam step on the device (cuda/adam.cu; CPU reference cpu/adam-impl.h).
// defines: ADAM_BLOCK_SIZE, adam_dev_coeffs
// One thread per parameter, elementwise (the scheduled step shares its scalars through one
// shared element per block): no reductions, so every rerun is bitwise identical, and (with the
// roundings spelled out, see adam.cu) equal to adam_step_cpu.
#pragma once

/** Threads per block. */
constexpr unsigned ADAM_BLOCK_SIZE = 256;

/** adam_coeffs<float> (cpu/adam-impl.h): the step's scalars, formed in double, rounded once. */
struct adam_dev_coeffs {
    float beta1;
    float one_minus_beta1;
    float beta2;
    float one_minus_beta2;
    float neg_step_size;      // -lr / (1 - beta1^step)
    float sqrt_bias_correct2; // sqrt(1 - beta2^step)
    float eps;
};
