#ifndef SEQGEN_CCodec2_SHIM_H
#define SEQGEN_CCodec2_SHIM_H
#include <codec2.h>
#endif
