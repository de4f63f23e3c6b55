// A C interface to SentencePiece's C++ API, so Swift can call it without C++ interop. Every
// C++ exception and failed status becomes an error string; nothing escapes across the C boundary.
#include "CSentencePiece.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace sentencepiece {
namespace logging {
// Exported by libsentencepiece but not declared in its installed headers.
void SetMinLogLevel(int v);
}  // namespace logging
}  // namespace sentencepiece

struct spm_processor {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

char *copy(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p) {
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = 0;
  }
  return p;
}

/// The non-empty lines of a buffer, as SentencePiece's trainer reads sentences.
class LineIterator : public sentencepiece::SentenceIterator {
 public:
  LineIterator(const char *text, size_t length) : text_(text), end_(text + length), next_(text) { Next(); }
  bool done() const override { return done_; }
  void Next() override {
    while (next_ < end_) {
      const char *newline = static_cast<const char *>(std::memchr(next_, '\n', end_ - next_));
      const char *stop = newline ? newline : end_;
      line_.assign(next_, stop - next_);
      next_ = newline ? newline + 1 : end_;
      if (!line_.empty()) return;
    }
    done_ = true;
  }
  const std::string &value() const override { return line_; }
  sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }

 private:
  const char *text_, *end_, *next_;
  std::string line_;
  bool done_ = false;
};

}  // namespace

extern "C" int spm_train(const char *text, size_t length, const char *args, unsigned seed, char **model,
                         size_t *model_size, char **error) {
  try {
    // Its INFO and WARNING lines would flood the user's terminal; failures come back as statuses.
    sentencepiece::logging::SetMinLogLevel(2);
    sentencepiece::SetRandomGeneratorSeed(seed);
    LineIterator lines(text, length);
    std::string serialized;
    auto status = sentencepiece::SentencePieceTrainer::Train(args, &lines, &serialized);
    if (!status.ok()) {
      *error = copy(status.ToString());
      return -1;
    }
    *model = static_cast<char *>(std::malloc(serialized.size()));
    if (!*model) {
      *error = copy("out of memory");
      return -1;
    }
    std::memcpy(*model, serialized.data(), serialized.size());
    *model_size = serialized.size();
    return 0;
  } catch (const std::exception &e) {
    *error = copy(e.what());
    return -1;
  } catch (...) {
    *error = copy("unknown C++ exception");
    return -1;
  }
}

extern "C" spm_processor *spm_load(const void *bytes, size_t size, char **error) {
  try {
    sentencepiece::logging::SetMinLogLevel(2);
    auto p = new spm_processor();
    auto status = p->processor.LoadFromSerializedProto(
        absl::string_view(static_cast<const char *>(bytes), size));
    if (!status.ok()) {
      *error = copy(status.ToString());
      delete p;
      return nullptr;
    }
    return p;
  } catch (const std::exception &e) {
    *error = copy(e.what());
    return nullptr;
  } catch (...) {
    *error = copy("unknown C++ exception");
    return nullptr;
  }
}

extern "C" void spm_free(spm_processor *processor) { delete processor; }

extern "C" int spm_piece_count(const spm_processor *p) { return p->processor.GetPieceSize(); }

extern "C" const char *spm_piece(const spm_processor *p, int id, size_t *length) {
  const std::string &piece = p->processor.IdToPiece(id);
  *length = piece.size();
  return piece.data();
}

extern "C" enum spm_piece_kind spm_kind(const spm_processor *p, int id) {
  if (p->processor.IsUnknown(id)) return SPM_UNKNOWN;
  if (p->processor.IsControl(id)) return SPM_CONTROL;
  if (p->processor.IsByte(id)) return SPM_BYTE;
  return SPM_NORMAL;
}

extern "C" int spm_encode(const spm_processor *p, const char *text, size_t length, int **ids, size_t *count,
                          char **error) {
  try {
    std::vector<int> out;
    auto status = p->processor.Encode(absl::string_view(text, length), &out);
    if (!status.ok()) {
      *error = copy(status.ToString());
      return -1;
    }
    *ids = static_cast<int *>(std::malloc(out.size() * sizeof(int) + 1));
    if (!*ids) {
      *error = copy("out of memory");
      return -1;
    }
    std::memcpy(*ids, out.data(), out.size() * sizeof(int));
    *count = out.size();
    return 0;
  } catch (const std::exception &e) {
    *error = copy(e.what());
    return -1;
  } catch (...) {
    *error = copy("unknown C++ exception");
    return -1;
  }
}

extern "C" void spm_free_buffer(void *buffer) { std::free(buffer); }
