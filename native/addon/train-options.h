// train-options.h: the argument readers train.cpp, generate.cpp and trained.cpp use
// (train-options.cpp). Each one throws a coded TypeError (throw_invalid) and returns false on
// failure; `what` names the argument in the message ("train: options.layers").
// defines: eureka_addon::MAX_SAFE_INTEGER, read_integer, read_seed, read_path,
//          read_train_options
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nn/caw-trainer.h"
#include "nn/pyramid.h"

namespace eureka_addon {

/** The largest integer a JS number holds exactly (2^53 - 1). */
constexpr double MAX_SAFE_INTEGER = 9007199254740991.0;

/** Reads value as an integer in [min, max]. */
bool read_integer(Napi::Env env, const Napi::Value & value, const std::string & what, double min,
                  double max, uint64_t * out);

/** Reads value as a seed: a number in [0, 2^53 - 1] or a bigint in [0, 2^64 - 1]. */
bool read_seed(Napi::Env env, const Napi::Value & value, const std::string & what, uint64_t * out);

/** Reads value as a non-empty string without NUL bytes (a path handed to C). */
bool read_path(Napi::Env env, const Napi::Value & value, const std::string & what,
               std::string * out);

/**
 * Reads train's options object into config and options (defaults from caw_train_default_config
 * for options.mode and nn_pyramid_default_options for absent fields): architecture, schedule,
 * seed, alpha1 / alpha2 (finite, >= 0), mssConfigs, fsList, speech, device ('auto' | 'cpu' |
 * 'cuda' [the trainer's default: cpu]), and holes (required exactly
 * when mode is 'inpainting'; order, overlap and bounds are caw_train's checks). rates receives
 * fsList; options.fs_list points into it when given.
 */
bool read_train_options(Napi::Env env, const Napi::Value & value, caw_train_config * config,
                        nn_pyramid_options * options, std::vector<uint32_t> * rates);

} // namespace eureka_addon
