// sequence-args.h: what the phrase models' synchronous ops (sequence.cpp, transformer.cpp) share
// to read their arguments: the dimension bounds, a JS value's kind and a shape for messages, and
// call_args (typed arrays of exact lengths, dimensions, finite numbers, the status as a throw).
// defines: eureka_addon::SEQ_MAX_DIM, LSTM_MAX_DIM, kind_of, shape_text, call_args
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "addon-common.h"
#include "train-options.h"

namespace eureka_addon {

/** Largest dimension of the dense, embedding and loss ops (nn/dense.h's bound, 2^28). */
inline constexpr double SEQ_MAX_DIM = 268435456.0;
/** Largest LSTM dimension (nn/lstm.h's bound, 2^24). */
inline constexpr double LSTM_MAX_DIM = 16777216.0;

/** What a JS value is, for messages: "null", "a number", "a Float64Array", "an object". */
inline std::string kind_of(const Napi::Value & value) {
    if (value.IsTypedArray()) {
        const napi_typedarray_type type = value.As<Napi::TypedArray>().TypedArrayType();
        return type == napi_float32_array   ? "a Float32Array"
               : type == napi_int32_array   ? "an Int32Array"
               : type == napi_float64_array ? "a Float64Array"
                                            : "another typed array";
    }
    const napi_valuetype type = value.Type();
    return type == napi_null        ? "null"
           : type == napi_undefined ? "undefined"
           : type == napi_number    ? "a number"
           : type == napi_bigint    ? "a bigint"
           : type == napi_string    ? "a string"
           : type == napi_boolean   ? "a boolean"
           : value.IsArray()        ? "an array"
           : type == napi_function  ? "a function"
                                    : "an object";
}

/** "(T, B, X) = (2, 3, 4)": a shape's letters and values, for messages. */
inline std::string shape_text(const char * letters, std::initializer_list<size_t> dims) {
    std::string values;
    for (const size_t d : dims) {
        values += (values.empty() ? "" : ", ") + std::to_string(d);
    }
    return std::string(letters) + " = (" + values + ")";
}

/** One call's arguments: the function's name for messages and the positional values. */
struct call_args {
    const Napi::CallbackInfo & info;
    const char *               fn;

    Napi::Env env() const { return info.Env(); }

    /** Throws "fn: expected n arguments (names), got k" unless there are exactly n. */
    bool count(size_t n, const char * names) const {
        if (info.Length() == n)
            return true;
        throw_invalid(env(), std::string(fn) + ": expected " + std::to_string(n) + " arguments (" +
                                 names + "), got " + std::to_string(info.Length()));
        return false;
    }

    /** A typed array of `type` holding exactly `expected` elements; null allowed when optional. */
    template <typename Array, typename Element>
    bool array(size_t index, const char * name, napi_typedarray_type type, const char * type_name,
               size_t expected, const std::string & shape, bool optional, Element ** out) const {
        const Napi::Value value = info[index];
        *out                    = nullptr;
        if (optional && (value.IsNull() || value.IsUndefined()))
            return true;
        if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
            throw_invalid(env(), std::string(fn) + ": " + name + " must be " + type_name + " " +
                                     shape + (optional ? " or null" : "") + ", got " +
                                     kind_of(value));
            return false;
        }
        Array a = value.As<Array>();
        if (a.ElementLength() != expected) {
            throw_invalid(env(), std::string(fn) + ": " + name + " has " +
                                     std::to_string(a.ElementLength()) + " elements, expected " +
                                     std::to_string(expected) + " for " + shape);
            return false;
        }
        *out = a.Data();
        return true;
    }

    bool floats(size_t index, const char * name, size_t expected, const std::string & shape,
                float ** out, bool optional = false) const {
        return array<Napi::Float32Array>(index, name, napi_float32_array, "a Float32Array",
                                         expected, shape, optional, out);
    }

    bool ints(size_t index, const char * name, size_t expected, const std::string & shape,
              int32_t ** out) const {
        return array<Napi::Int32Array>(index, name, napi_int32_array, "an Int32Array", expected,
                                       shape, false, out);
    }

    /** An integer dimension in [1, max]. */
    bool dim(size_t index, const char * name, double max, size_t * out) const {
        uint64_t value = 0;
        if (!read_integer(env(), info[index], std::string(fn) + ": " + name, 1.0, max, &value)) {
            return false;
        }
        *out = static_cast<size_t>(value);
        return true;
    }

    /** A finite number (as float when as_float: finite in float32 too). */
    bool number(size_t index, const char * name, bool as_float, double * out) const {
        const Napi::Value value = info[index];
        const double      v     = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
        if (!std::isfinite(v) || (as_float && !std::isfinite(static_cast<float>(v)))) {
            throw_invalid(env(),
                          std::string(fn) + ": " + name + " must be a finite number" +
                              (as_float ? " (a float32)" : "") + ", got " +
                              (value.IsNumber() ? value.ToString().Utf8Value() : kind_of(value)));
            return false;
        }
        *out = v;
        return true;
    }

    /** The native status as a JS exception (nn_last_error's message); true when OK. */
    bool ok(nn_status status) const {
        if (status == NN_STATUS_OK)
            return true;
        status_error(env(), status, nn_last_error()).ThrowAsJavaScriptException();
        return false;
    }
};

} // namespace eureka_addon
