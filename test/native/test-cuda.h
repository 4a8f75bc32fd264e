// test-cuda.h: superseded by test-device.h (device buffers and entry-point calls for both device
// backends, cuda and sim); kept so an older include still compiles.
#pragma once

#include "test-device.h"
