import ArgumentParser
import Foundation
import SeqGenCLI
import TextDomain

/// The text domain on the command line: `seqgen train text`, `seqgen generate`, `seqgen bench text`.
public enum TextCommands: DomainCommands {
  public static let domain = TextDomain()
  public static let train: any ParsableCommand.Type = TrainText.self
  public static let generate: any ParsableCommand.Type = GenerateText.self
  public static let primeHelp =
    #"Text the samples continue ("ROMEO:"). The model reads it from a zeroed state, as at the start of a file, so a bare prime ("def ") is taken for the opening of one; a few lines of real context (--prime-file) steer far better."#
  public static let primeFileHelp =
    "A UTF-8 file whose text the samples continue: a few lines like those the samples should follow (the end of a scene, the code before a function)."
  public static let flagNames = ["extensions": "--ext", "banUnknown": "--ban-unk"]
  public static let outHelp = "The text file to write; without it one sample streams to stdout as it is drawn."
  public static let bench: [any ParsableCommand.Type] = [BenchText.self, BenchWords.self]
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Text — Shakespeare", data: ["text/shakespeare.txt"],
    train: [
      "--hidden-size", "192", "--num-layers", "2", "--seq-length", "64", "--batch-size", "32", "--learning-rate",
      "0.003",
    ],
    steps: (1500, 40),
    generate: [
      (
        ["--prime", "ROMEO:", "--length", "700", "--temperature", "0.8", "--seed", "1", "--out", "text.txt"],
        ["text.txt"]
      )
    ])
}

struct TrainText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract:
      "Language model on UTF-8 text by character, word or subword: files, or every text file of a directory (code too).",
    discussion: """
      Learns to predict the next character (or word, or subword piece: --tokens) of the files \
      given, carrying the LSTM state through each file. The defaults (below) are the recipe that did best at equal wall time \
      on shakespeare.txt, about a minute on 2 cores. Change them when the corpus differs: \
      give --steps for a longer run (the schedule halves the learning rate every 2000 steps), \
      a larger --hidden-size for a corpus of several megabytes, --reset-at paragraph when \
      paragraphs are independent. Measurements: docs/text.md.

      Example: seqgen train text --data fixtures/text/shakespeare.txt --out runs/shakespeare
      """
  )

  @OptionGroup var flags: TrainFlags<TextCommands>

  @Option(
    help: ArgumentHelp(
      "Where the LSTM state is zeroed: file (start of each file, the default) or paragraph (also after blank lines).",
      valueName: "file|paragraph"))
  var resetAt: TextDomain.ResetPolicy?

  @Option(
    help: ArgumentHelp(
      "What one step is: char (the default; one character: any word can be spelled, the longest sequences), word (a word, a punctuation mark or a run of spacing, spaces and case kept exactly: sequences about 4× shorter, a vocabulary of thousands, rare words read as <unk>), or bpe / unigram (SentencePiece subwords learnt from the training text: frequent words whole, rare ones in pieces, bytes for unseen characters, so nothing is unknown). Word and subword runs default to a tied input table (--tie-weights) and --hidden-size 256, and want a larger corpus than characters do (docs/text.md).",
      valueName: "char|word|bpe|unigram"))
  var tokens: TextDomain.Tokenization?

  @Option(
    help:
      "Word models: words seen fewer times than this in the training text are read as <unk> (default \(TextDomain.wordMinCount); 1 keeps every word). Raise it on a large corpus to keep the vocabulary, and the decoder, small."
  )
  var minCount: Int?

  @Option(help: "Word models: keep at most this many classes, the most frequent words (<unk> included).")
  var maxVocab: Int?

  @Option(
    help:
      "Subword models: the pieces the tokenizer learns, its 256 byte pieces included (default \(TextDomain.subwordVocabSize)). More pieces make shorter sequences and a larger decoder; a size the training text cannot fill is refused with the largest it allows."
  )
  var vocabSize: Int?

  @Option(
    help: ArgumentHelp(
      "Subword models: read text with this SentencePiece model (a .model file from spm_train, Python's sentencepiece or another run's tokenizer.model) instead of learning one.",
      valueName: "file.model"))
  var tokenizer: String?

  @Option(
    name: .customLong("ext"),
    help: ArgumentHelp(
      "Read only files with these extensions from a directory (py,md); by default every file that is UTF-8 text, binary files skipped and counted.",
      valueName: "ext,…"))
  var ext: String?

  /// `--ext py,.MD` as {"py", "md"}.
  var extensions: Set<String>? {
    ext.map {
      Set(
        $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.map {
          $0.hasPrefix(".") ? String($0.dropFirst()) : $0
        })
    }
  }

  var domain: TextDomain {
    let tokens = tokens ?? .char
    return TextDomain(
      resetAt: resetAt ?? .file, extensions: extensions, tokens: tokens,
      minCount: minCount ?? (tokens == .word ? TextDomain.wordMinCount : 1), maxVocab: maxVocab,
      vocabSize: vocabSize ?? TextDomain.subwordVocabSize, tokenizer: tokenizer.map { URL(fileURLWithPath: $0) })
  }

  /// The settings given (a resumed run refuses those its codec fixed with another value).
  var given: Set<String> {
    let flags: [(String, Bool)] = [
      ("tokens", tokens != nil), ("resetAt", resetAt != nil), ("extensions", ext != nil), ("minCount", minCount != nil),
      ("maxVocab", maxVocab != nil), ("vocabSize", vocabSize != nil), ("tokenizer", tokenizer != nil),
    ]
    return Set(flags.filter(\.1).map(\.0))
  }

  func validate() throws {
    if let minCount, minCount < 1 { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
    if let maxVocab, maxVocab < 3 { throw ValidationError("--max-vocab must be at least 3, got \(maxVocab)") }
    // A resumed run's tokens are its own: what it refuses is said when its codec is read.
    let tokens = tokens ?? (flags.resume ? nil : .char)
    if let tokens, tokens != .word, minCount != nil || maxVocab != nil {
      throw ValidationError("--min-count and --max-vocab apply to --tokens word")
    }
    if let tokens, !tokens.isSubword, vocabSize != nil || tokenizer != nil {
      throw ValidationError("--vocab-size and --tokenizer apply to --tokens bpe or unigram")
    }
    if vocabSize != nil, tokenizer != nil {
      throw ValidationError("--vocab-size is the tokenizer's own with --tokenizer; give one of them")
    }
    if let vocabSize, !(1...1_000_000).contains(vocabSize) {
      throw ValidationError("--vocab-size must be in 1...1000000, got \(vocabSize)")
    }
    if let extensions, extensions.isEmpty || extensions.contains("") {
      throw ValidationError("--ext takes extensions separated by commas (py,md), got '\(ext ?? "")'")
    }
  }

  func run() throws {
    try Training.run(domain, flags: flags, given: given)
  }
}

/// `seqgen generate` for text runs: characters streamed to the terminal as they are drawn.
struct GenerateText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract: "Generate text from a text run (streamed to stdout unless --out is given).",
    discussion: "Example: seqgen generate runs/shakespeare --prime \"ROMEO:\" --length 400 --temperature 0.8"
  )

  @OptionGroup var shared: GenerateFlags<TextCommands>
  @OptionGroup var cutoffs: CutoffFlags
  @Option(help: ArgumentHelp(TextGenerationOptions.setting("length"))) var length = TextGenerationOptions().length
  @Option(help: ArgumentHelp(TextGenerationOptions.setting("tokens"))) var tokens: Int?
  @Flag(help: ArgumentHelp(TextGenerationOptions.setting("skipUnknown"))) var skipUnknown = false
  @Flag(name: .customLong("ban-unk"), help: ArgumentHelp(TextGenerationOptions.setting("banUnknown")))
  var banUnknown = false
  @Flag(help: ArgumentHelp(TextGenerationOptions.setting("provenance"))) var provenance = false
  @Flag(help: ArgumentHelp(TextGenerationOptions.setting("stripPrime"))) var stripPrime = false

  var options: TextGenerationOptions {
    TextGenerationOptions(
      length: length, tokens: tokens, skipUnknown: skipUnknown, banUnknown: banUnknown, provenance: provenance,
      stripPrime: stripPrime)
  }

  func validate() throws { try validating { try options.validate() } }

  func run() throws {
    try Generation.run(TextDomain(), run: shared.run, request: shared.request(cutoffs.controls), options: options)
  }
}

extension TextDomain.ResetPolicy: ExpressibleByArgument {}
extension TextDomain.Tokenization: ExpressibleByArgument {}
