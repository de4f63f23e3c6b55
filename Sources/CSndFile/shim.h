#ifndef SEQGEN_CSndFile_SHIM_H
#define SEQGEN_CSndFile_SHIM_H
#include <sndfile.h>
#endif
