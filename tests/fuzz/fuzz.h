/* SPDX-License-Identifier: Apache-2.0 */
/* What the fuzz targets share.  Each target is one file defining
 * LLVMFuzzerTestOneInput(), linked either with libFuzzer ('make fuzz') or
 * with replay.c, which runs it on every saved input ('make check'). */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H 1

#include <stddef.h>
#include <stdint.h>

/* Runs the code under test on one input.  Returns 0; anything wrong ends
 * the process: a sanitizer report, or ASSERT() on an invariant of the
 * code under test. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* tests/fuzz/fuzz.h */
