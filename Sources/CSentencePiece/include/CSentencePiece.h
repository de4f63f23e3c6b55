#ifndef SEQGEN_CSENTENCEPIECE_H
#define SEQGEN_CSENTENCEPIECE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A loaded SentencePiece model (`sentencepiece::SentencePieceProcessor`).
typedef struct spm_processor spm_processor;

/// What a piece is (`IsUnknown`, `IsControl`, `IsByte`, else a normal or user-defined piece).
enum spm_piece_kind { SPM_NORMAL = 0, SPM_UNKNOWN = 1, SPM_CONTROL = 2, SPM_BYTE = 3 };

/// Trains a model on the lines of `text` (`length` bytes; empty lines skipped) with `args` in
/// `spm_train`'s flag syntax. On success returns 0 and sets `*model` (free with `spm_free_buffer`)
/// to the serialized ModelProto, `*model_size` to its length; on failure returns -1 and sets
/// `*error` (free with `spm_free_buffer`).
int spm_train(const char *text, size_t length, const char *args, unsigned seed, char **model, size_t *model_size,
              char **error);

/// Loads a serialized ModelProto; NULL with `*error` set on failure.
spm_processor *spm_load(const void *bytes, size_t size, char **error);
void spm_free(spm_processor *processor);

int spm_piece_count(const spm_processor *processor);
/// The piece of `id` (0 ..< `spm_piece_count`), valid while `processor` lives.
const char *spm_piece(const spm_processor *processor, int id, size_t *length);
enum spm_piece_kind spm_kind(const spm_processor *processor, int id);

/// The ids of `text`. On success returns 0 and sets `*ids` (free with `spm_free_buffer`) and
/// `*count`; on failure -1 with `*error` set.
int spm_encode(const spm_processor *processor, const char *text, size_t length, int **ids, size_t *count,
               char **error);

/// Frees a buffer the functions above returned.
void spm_free_buffer(void *buffer);

#ifdef __cplusplus
}
#endif

#endif
