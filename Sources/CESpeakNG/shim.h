#ifndef SEQGEN_CESpeakNG_SHIM_H
#define SEQGEN_CESpeakNG_SHIM_H
#include <espeak-ng/speak_lib.h>
#endif
