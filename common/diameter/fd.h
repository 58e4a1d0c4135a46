// The freeDiameter C headers, included once with C linkage.
#pragma once

extern "C" {
#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>
#include <freeDiameter/libfdproto.h>
}
