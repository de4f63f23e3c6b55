#ifndef SEQGEN_CBLAS_SHIM_H
#define SEQGEN_CBLAS_SHIM_H
#include <cblas.h>
#endif
