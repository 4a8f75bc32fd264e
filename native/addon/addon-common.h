// addon-common.h: what the addon's files share: coded errors and the entry points each defines.
// Only native/addon includes napi.h; this header is part of it.
// defines: eureka_addon::status_code, throw_invalid, status_error, train, generate, reconstruct,
//          read_trained, generation_noise, upsample_cubic, and the sequence ops (sequence.cpp)
#pragma once

#include <napi.h>

#include <string>

#include "nn/nn.h"

namespace eureka_addon {

/** The JS `code` for an nn_status: NN_STATUS_CUDA_ERROR → "NN_CUDA_ERROR". */
const char * status_code(nn_status status);

/** A TypeError with code NN_INVALID_ARGUMENT, thrown into JS. The caller returns right after. */
void throw_invalid(Napi::Env env, const std::string & message);

/** An Error with message and the `code` of status, for throwing or rejecting. */
Napi::Error status_error(Napi::Env env, nn_status status, const std::string & message);

/** train(signal, sampleRate, options, outDir, resume, onProgress): { promise, cancel } (train.cpp).
 */
Napi::Value train(const Napi::CallbackInfo & info);

/** generate(outDir, seed, seconds): Promise<{ sampleRate, samples }> (generate.cpp). */
Napi::Value generate(const Napi::CallbackInfo & info);

/** reconstruct(outDir): Promise<{ sampleRate, samples }> (generate.cpp). */
Napi::Value reconstruct(const Napi::CallbackInfo & info);

/** readTrained(outDir): Promise<the frozen generators as arrays> (trained.cpp). */
Napi::Value read_trained(const Napi::CallbackInfo & info);

/** generationNoise(seed, lengths): Float32Array[] — caw_generate's draws (trained.cpp). */
Napi::Value generation_noise(const Napi::CallbackInfo & info);

/** upsampleCubic(x, scale, outLength): Float32Array (trained.cpp). */
Napi::Value upsample_cubic(const Napi::CallbackInfo & info);

// The phrase models' ops, synchronous and in place on the caller's typed arrays (sequence.cpp):
// lstmSizes, lstmForward, lstmBackward, denseForward, denseBackward, embeddingForward,
// embeddingBackward, crossEntropy, klNormal, reparamForward, reparamBackward, gradClipNorm,
// adamStep.
Napi::Value lstm_sizes(const Napi::CallbackInfo & info);
Napi::Value lstm_forward(const Napi::CallbackInfo & info);
Napi::Value lstm_backward(const Napi::CallbackInfo & info);
Napi::Value dense_forward(const Napi::CallbackInfo & info);
Napi::Value dense_backward(const Napi::CallbackInfo & info);
Napi::Value embedding_forward(const Napi::CallbackInfo & info);
Napi::Value embedding_backward(const Napi::CallbackInfo & info);
Napi::Value cross_entropy(const Napi::CallbackInfo & info);
Napi::Value kl_normal(const Napi::CallbackInfo & info);
Napi::Value reparam_forward(const Napi::CallbackInfo & info);
Napi::Value reparam_backward(const Napi::CallbackInfo & info);
Napi::Value grad_clip_norm(const Napi::CallbackInfo & info);
Napi::Value adam_step(const Napi::CallbackInfo & info);

// The Transformer block's ops, synchronous and in place as the above (transformer.cpp):
// attentionForward, attentionBackward, layerNormForward, layerNormBackward, geluForward,
// geluBackward.
Napi::Value attention_forward(const Napi::CallbackInfo & info);
Napi::Value attention_backward(const Napi::CallbackInfo & info);
Napi::Value layer_norm_forward(const Napi::CallbackInfo & info);
Napi::Value layer_norm_backward(const Napi::CallbackInfo & info);
Napi::Value gelu_forward(const Napi::CallbackInfo & info);
Napi::Value gelu_backward(const Napi::CallbackInfo & info);

} // namespace eureka_addon
