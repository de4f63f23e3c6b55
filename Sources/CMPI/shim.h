// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are macros over the addresses of
// global structs, which Swift cannot import; these inline functions name them.
#include <mpi.h>

static inline MPI_Comm seqgen_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype seqgen_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype seqgen_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype seqgen_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype seqgen_mpi_long_long(void) { return MPI_LONG_LONG; }
static inline MPI_Op seqgen_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op seqgen_mpi_min(void) { return MPI_MIN; }
static inline void *seqgen_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Errhandler seqgen_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int seqgen_mpi_success(void) { return MPI_SUCCESS; }
static inline int seqgen_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int seqgen_mpi_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
static inline MPI_Datatype seqgen_mpi_int32(void) { return MPI_INT32_T; }
