#ifndef SEQGEN_CFluidSynth_SHIM_H
#define SEQGEN_CFluidSynth_SHIM_H
#include <fluidsynth.h>
#endif
