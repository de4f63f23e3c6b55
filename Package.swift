// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
  name: "SeqGen",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "seqgen", targets: ["seqgen"]),
    .library(name: "SeqGenEngine", targets: ["SeqGenEngine"]),
    .library(name: "TextDomain", targets: ["TextDomain"]),
    .library(name: "HandwritingDomain", targets: ["HandwritingDomain"]),
    .library(name: "NoteDomain", targets: ["NoteDomain"]),
    .library(name: "AudioDomain", targets: ["AudioDomain"]),
    .library(name: "SpeechDomain", targets: ["SpeechDomain"]),
    .library(name: "SeqGenKit", targets: ["SeqGenKit"]),
    .library(name: "SeqGenCLI", targets: ["SeqGenCLI"]),
    .library(name: "SeqGenCommands", targets: ["SeqGenCommands"]),
    // The checks every domain passes (`DomainConformance`), for a domain in another package too.
    .library(name: "SeqGenTesting", targets: ["SeqGenTesting"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // The playground's HTTP server (`seqgen serve`): no dependencies of its own.
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
  ],
  targets: [
    // OpenBLAS through its CBLAS interface: every matrix product in the engine.
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // libsndfile (reading and writing audio), libsamplerate (resampling), FluidSynth (MIDI rendering).
    .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
    .systemLibrary(name: "CSampleRate", pkgConfig: "samplerate", providers: [.apt(["libsamplerate0-dev"])]),
    .systemLibrary(name: "CFluidSynth", pkgConfig: "fluidsynth", providers: [.apt(["libfluidsynth-dev"])]),
    // codec2 (a speech codec whose frames are a few small quantiser indices: the speech domain's steps).
    .systemLibrary(name: "CCodec2", pkgConfig: "codec2", providers: [.apt(["libcodec2-dev"])]),
    // SentencePiece (subword tokenizers, a C++ library): linked here, called through the C shim.
    .systemLibrary(
      name: "CSentencePieceSystem", pkgConfig: "sentencepiece", providers: [.apt(["libsentencepiece-dev"])]),
    .target(name: "CSentencePiece", dependencies: ["CSentencePieceSystem"]),
    // Open MPI: data-parallel training across processes and machines (`mpirun … seqgen train`).
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    // Generic SIMD math (exp, tanh, the LSTM cell), inlined into each caller at its own width.
    .target(name: "LSTMMath"),
    .target(name: "AVX512Kernels", dependencies: ["LSTMMath"], swiftSettings: avx512Settings),
    .target(name: "SeqGenEngine", dependencies: ["CBLAS", "LSTMMath", "AVX512Kernels"], swiftSettings: engineSettings),
    // The one libsndfile + libsamplerate wrapper (its main type, `SoundFile`, qualifies as `SoundIO.SoundFile`).
    .target(name: "SoundIO", dependencies: ["CSndFile", "CSampleRate"]),
    // The one codec2 wrapper (encoding, decoding, a frame's fields).
    .target(name: "Codec2", dependencies: ["CCodec2"]),
    // libespeak-ng (speech synthesis, phonemes): the speech domain's synthetic corpora.
    .systemLibrary(name: "CESpeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
    // The one espeak-ng wrapper.
    .target(name: "ESpeak", dependencies: ["CESpeakNG"]),
    // The one FluidSynth wrapper (rendering MIDI to audio).
    .target(name: "Synthesizer", dependencies: ["CFluidSynth"]),
    // The one SentencePiece wrapper (training, loading and encoding subword models).
    .target(name: "SentencePiece", dependencies: ["CSentencePiece"]),
    // The engine's `Collective` over MPI.
    .target(name: "SeqGenMPI", dependencies: ["SeqGenEngine", "CMPI"]),
    .target(name: "TextDomain", dependencies: ["SeqGenEngine", "SentencePiece"], path: "domains/Text/Sources"),
    .target(name: "HandwritingDomain", dependencies: ["SeqGenEngine"], path: "domains/Handwriting/Sources"),
    .target(
      name: "NoteDomain", dependencies: ["SeqGenEngine", "SoundIO", "Synthesizer"], path: "domains/Notes/Sources"),
    .target(name: "AudioDomain", dependencies: ["SeqGenEngine", "SoundIO"], path: "domains/Audio/Sources"),
    .target(
      name: "SpeechDomain", dependencies: ["SeqGenEngine", "SoundIO", "Codec2", "ESpeak"],
      path: "domains/Speech/Sources"),
    // The browser playground: an HTTP server over the domains' generation library API.
    // The library layer under every front end: the domain catalog and the training session.
    .target(name: "SeqGenKit", dependencies: ["SeqGenEngine", "SeqGenMPI"]),
    .target(
      name: "SeqGenServe",
      dependencies: ["SeqGenEngine", "SeqGenKit", .product(name: "FlyingFox", package: "FlyingFox")]),
    // The command-line kit every domain's commands are built on: shared flag groups, the
    // progress display, the command catalog (no HTTP server: a domain's commands link none).
    .target(name: "SeqGenCLI", dependencies: ["SeqGenEngine", "SeqGenKit", argumentParser]),
    // The `seqgen` commands that derive from the catalog (train, generate, eval, inspect, bench,
    // demo, serve) and the root command.
    .target(name: "SeqGenCommands", dependencies: ["SeqGenCLI", "SeqGenKit", "SeqGenServe", argumentParser]),
    .target(name: "TextCLI", dependencies: ["TextDomain", "SeqGenCLI", argumentParser], path: "domains/Text/CLI"),
    .target(
      name: "HandwritingCLI", dependencies: ["HandwritingDomain", "SeqGenCLI", argumentParser],
      path: "domains/Handwriting/CLI"),
    .target(name: "NotesCLI", dependencies: ["NoteDomain", "SeqGenCLI", argumentParser], path: "domains/Notes/CLI"),
    .target(name: "AudioCLI", dependencies: ["AudioDomain", "SeqGenCLI", argumentParser], path: "domains/Audio/CLI"),
    .target(
      name: "SpeechCLI", dependencies: ["SpeechDomain", "Codec2", "SeqGenCLI", argumentParser],
      path: "domains/Speech/CLI"),
    // The executable: the one list of domains.
    .executableTarget(
      name: "seqgen",
      dependencies: ["SeqGenCommands", "TextCLI", "HandwritingCLI", "NotesCLI", "AudioCLI", "SpeechCLI"]),
    .testTarget(
      name: "SeqGenEngineTests",
      dependencies: ["SeqGenEngine", "LSTMMath", "AVX512Kernels", "SeqGenTestSupport"]
    ),
    // The conformance checks every domain's tests run, shipped; the project's test helpers over them.
    .target(name: "SeqGenTesting", dependencies: ["SeqGenEngine"]),
    .target(name: "SeqGenTestSupport", dependencies: ["SeqGenTesting"], path: "Tests/SeqGenTestSupport"),
    .testTarget(
      name: "TextDomainTests", dependencies: ["TextDomain", "SentencePiece", "SeqGenTestSupport"],
      path: "domains/Text/Tests"),
    .testTarget(
      name: "HandwritingDomainTests", dependencies: ["HandwritingDomain", "SeqGenTestSupport"],
      path: "domains/Handwriting/Tests"),
    .testTarget(
      name: "NoteDomainTests", dependencies: ["NoteDomain", "Synthesizer", "SeqGenTestSupport"],
      path: "domains/Notes/Tests"),
    .testTarget(
      name: "AudioDomainTests", dependencies: ["AudioDomain", "SoundIO", "SeqGenTestSupport"],
      path: "domains/Audio/Tests"),
    .testTarget(
      name: "SpeechDomainTests", dependencies: ["SpeechDomain", "Codec2", "SoundIO", "SeqGenTestSupport"],
      path: "domains/Speech/Tests"),
    .testTarget(name: "SentencePieceTests", dependencies: ["SentencePiece"]),
    .testTarget(name: "SoundIOTests", dependencies: ["SoundIO", "SeqGenTestSupport"]),
    .testTarget(name: "Codec2Tests", dependencies: ["Codec2", "SoundIO", "SeqGenTestSupport"]),
    .testTarget(name: "ESpeakTests", dependencies: ["ESpeak"]),
    .testTarget(name: "SeqGenCLITests", dependencies: ["seqgen", "SeqGenEngine", "SoundIO", "SeqGenTestSupport"]),
    // The command-line kit, with a test-only domain that plugs in through it.
    .testTarget(
      name: "SeqGenCLIKitTests", dependencies: ["SeqGenCLI", "SeqGenCommands", "SeqGenKit", "SeqGenTesting"]),
  ]
)

var argumentParser: Target.Dependency { .product(name: "ArgumentParser", package: "swift-argument-parser") }

/// The engine's element-wise loops (gates, softmax, Adam) are written with 8-wide SIMD; Swift
/// compiles them for the baseline x86-64 (SSE2, 4 lanes) unless told the CPU has AVX2 and FMA,
/// which every x86-64 server since 2013 has. Measured ~10–20% more training throughput at
/// 1×128 (`seqgen bench text`). SEQGEN_PORTABLE=1 builds for the baseline instead.
var engineSettings: [SwiftSetting] {
  #if arch(x86_64)
    if ProcessInfo.processInfo.environment["SEQGEN_PORTABLE"] == nil {
      return [.unsafeFlags(["-target-cpu", "haswell"])]
    }
  #endif
  return []
}

/// The packed recurrent product and the wide cell are written for 16-lane registers: built for
/// AVX-512 on x86-64 (Skylake-X's subset: F, CD, BW, DQ, VL), used only where the CPU reports
/// all of it (`PackedGEMM.isAvailable`); left out elsewhere and with SEQGEN_PORTABLE.
var avx512Settings: [SwiftSetting] {
  #if arch(x86_64)
    if ProcessInfo.processInfo.environment["SEQGEN_PORTABLE"] == nil {
      return [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("SEQGEN_AVX512")]
    }
  #endif
  return []
}
