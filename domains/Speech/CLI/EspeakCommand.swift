import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine
import SpeechDomain

/// `seqgen espeak`: a synthetic speech corpus with exact transcripts, from a text file.
struct EspeakCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "espeak",
    abstract: "Say each line of a text file with espeak-ng: a speech corpus in the LJSpeech layout.",
    discussion: """
      Writes DIR/metadata.csv (id|text|text, one line per sentence) and DIR/wavs/ID.wav \
      (espeak-ng's 22,050 Hz), the layout `seqgen train speech --condition text` reads (as \
      does most TTS software). Each sentence is said a little faster or slower (--rate-jitter) \
      and higher or lower (--pitch-jitter), drawn from --seed, so the model learns the words, \
      not one fixed timing. The Klatt voice's noise source is random: the same seed gives the \
      same timings and pitches, not the same samples.

      Example: seqgen espeak --text-file sentences.txt --count 1000 --out data/espeak
      """
  )

  @Option(help: ArgumentHelp("One sentence per line (UTF-8; empty lines skipped).", valueName: "file"))
  var textFile: String
  @Option(help: ArgumentHelp("The corpus folder to write (new or empty).", valueName: "dir")) var out: String
  @Option(help: "Say only the first N sentences (default: all).") var count: Int?
  @Option(help: "espeak-ng voice: a language, then + a variant (`espeak-ng --voices` lists them).")
  var voice = "en-us+klatt"
  @Option(help: ArgumentHelp("Vary each sentence's speed by up to ±P percent (0...50).", valueName: "P"))
  var rateJitter = 10.0
  @Option(
    help: ArgumentHelp("Vary each sentence's pitch by up to ±P on espeak-ng's 0...100 scale (0...50).", valueName: "P"))
  var pitchJitter = 10
  @Option(help: "Seed of the speeds and pitches.") var seed: UInt64 = 0

  func validate() throws {
    if let count, count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
    if !(0...50).contains(rateJitter) { throw ValidationError("--rate-jitter must be in 0...50, got \(rateJitter)") }
    if !(0...50).contains(pitchJitter) { throw ValidationError("--pitch-jitter must be in 0...50, got \(pitchJitter)") }
  }

  func run() throws {
    var lines = try GivenTexts.read(text: nil, textFile: textFile, maxLength: 1000) ?? []
    if let count { lines = Array(lines.prefix(count)) }
    let corpus = SyntheticCorpus(voice: voice, rateJitter: rateJitter / 100, pitchJitter: pitchJitter, seed: seed)
    let seconds = try corpus.write(lines, to: URL(fileURLWithPath: out))
    Console.line(String(format: "wrote %d clips (%.1f minutes of speech) to %@", lines.count, seconds / 60, out))
  }
}
