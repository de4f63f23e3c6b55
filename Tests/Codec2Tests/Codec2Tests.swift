import Codec2
import Foundation
import SeqGenTestSupport
import SoundIO
import Testing

/// The codec2 wrapper against the library's own command-line tools, and the frame layout
/// against what the library itself decodes from a frame.
@Suite struct Codec2Tests {
  /// A real 8 kHz speech clip (Asterisk prompt, CC BY-SA 3.0) as 16-bit PCM.
  static func speech() throws -> [Int16] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let audio = try SoundFile.readAudio(root.appendingPathComponent("fixtures/audio/speech/call-forwarding.flac"))
    #expect(audio.sampleRate == Codec2Mode.sampleRate && audio.channels == 1)
    return audio.samples.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
  }

  /// Runs a codec2 tool (Debian package `codec2`) on raw files; nil output if it failed.
  static func tool(_ name: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// The bytes of `c2enc` and the samples of `c2dec` on the fixture, beside ours. Only the first
  /// decoding in a process can match c2dec's: codec2 draws unvoiced phases from one process-wide
  /// generator (`codec2_rand`) that nothing resets.
  static func codedByTools(_ mode: Codec2Mode) throws -> (pcm: [Int16], bits: Data, decoded: [Int16]) {
    let pcm = try speech()
    let dir = try TemporaryDirectory("seqgen-codec2")
    defer { dir.remove() }
    let raw = dir.at("in.raw")
    let bits = dir.at("out.bit")
    let decoded = dir.at("out.raw")
    try pcm.withUnsafeBytes { Data($0) }.write(to: raw)
    guard try tool("c2enc", [mode.rawValue, raw.path, bits.path]) == 0,
      try tool("c2dec", [mode.rawValue, bits.path, decoded.path]) == 0
    else { throw Codec2Error.field("c2enc/c2dec failed (Debian package codec2)") }
    let samples = try Data(contentsOf: decoded).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    return (pcm, try Data(contentsOf: bits), samples)
  }

  /// Encoding gives exactly the bytes `c2enc` gives.
  @Test(arguments: Codec2Mode.allCases)
  func encodesAsTheCommandLineToolBitForBit(mode: Codec2Mode) throws {
    let (pcm, theirs, _) = try Self.codedByTools(mode)
    let frames = try Codec2(mode: mode).encode(pcm)
    // c2enc drops a last partial frame; we pad it with silence.
    #expect(frames.count == (pcm.count + mode.samplesPerFrame - 1) / mode.samplesPerFrame)
    #expect(theirs.count == pcm.count / mode.samplesPerFrame * mode.bytesPerFrame)
    #expect(Data(frames.joined().prefix(theirs.count)) == theirs)
  }

  /// Whether decoding c2enc's frames gives exactly c2dec's samples (run in a fresh process).
  static func decodesAsTheCommandLineTool(_ mode: Codec2Mode) -> Bool {
    guard let (pcm, bits, theirs) = try? codedByTools(mode) else { return false }
    let n = mode.bytesPerFrame
    let frames = (0..<(pcm.count / mode.samplesPerFrame)).map { Array(bits[($0 * n)..<($0 * n + n)]) }
    return (try? Codec2(mode: mode).decode(frames)) == theirs
  }

  @Test func decodes3200AsTheCommandLineToolBitForBit() async {
    await #expect(processExitsWith: .success) { exit(Self.decodesAsTheCommandLineTool(.mode3200) ? 0 : 1) }
  }

  @Test func decodes1300AsTheCommandLineToolBitForBit() async {
    await #expect(processExitsWith: .success) { exit(Self.decodesAsTheCommandLineTool(.mode1300) ? 0 : 1) }
  }

  /// Unpacking and packing are inverse on every real frame, and the energy field sits where
  /// the library reads it: decode_energy's 10^((−10 + 50·index/32)/10) equals `codec2_get_energy`.
  @Test(arguments: Codec2Mode.allCases)
  func fieldsAreWhereTheLibraryReadsThem(mode: Codec2Mode) throws {
    let codec = try Codec2(mode: mode)
    let frames = codec.encode(try Self.speech())
    var energies = Set<Int>()
    var voicing = Set<Int>()
    for frame in frames {
      let fields = try mode.unpack(frame)
      #expect(fields.count == mode.fieldBits.count)
      #expect(try mode.pack(fields) == frame)
      let index = fields[mode.energyField]
      energies.insert(index)
      voicing.insert(fields[0])
      let expected = powf(10, (-10 + 50 * Float(index) / 32) / 10)
      let library = try codec.energy(of: frame)
      #expect(abs(library - expected) <= 1e-4 * expected, "frame energy \(library), field says \(expected)")
    }
    // Real speech uses many energy levels and both voicing states.
    #expect(energies.count >= 10 && voicing == [0, 1], "\(energies) \(voicing)")
  }

  @Test func gray() throws {
    // One field set to each value: the packed bits are its Gray code, most significant bit first.
    let mode = Codec2Mode.mode3200
    var fields = [Int](repeating: 0, count: mode.fieldBits.count)
    fields[2] = 0b1010101  // pitch, 7 bits after two voicing bits → Gray 0b1111111
    let bytes = try mode.pack(fields)
    #expect(bytes[0] == 0b0011_1111 && bytes[1] == 0b1000_0000)
    #expect(try mode.unpack(bytes)[2] == 0b1010101)
  }

  @Test func badFramesAndFieldsAreRefused() throws {
    let mode = Codec2Mode.mode1300
    #expect(throws: Codec2Error.frameSize(expected: 7, got: 3)) { try mode.unpack([0, 0, 0]) }
    #expect(throws: Codec2Error.frameSize(expected: 7, got: 8)) {
      try Codec2(mode: mode).decode([[UInt8](repeating: 0, count: 8)])
    }
    #expect(throws: Codec2Error.self) { try mode.pack([1, 2]) }
    var fields = [Int](repeating: 0, count: mode.fieldBits.count)
    fields[15] = 4  // the last LSP has 2 bits
    let error = try #require(throws: Codec2Error.self) { try mode.pack(fields) }
    #expect(error.description == "codec2: field lsp10 is 4, outside 0..<4")
  }
}
