#ifndef SEQGEN_CSampleRate_SHIM_H
#define SEQGEN_CSampleRate_SHIM_H
#include <samplerate.h>
#endif
