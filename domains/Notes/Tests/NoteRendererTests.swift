import Foundation
import SeqGenTestSupport
import Synthesizer
import Testing

@testable import NoteDomain

@Suite struct NoteRendererTests {
  /// The FluidSynth wrapper turns a file that is not a SoundFont into its typed error, which the
  /// renderer names with the file.
  @Test func aFileThatIsNotASoundFontIsATypedError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let fake = try dir.file("fake.sf2", "not a soundfont")
    #expect(throws: SynthesizerError.soundFont(path: fake.path)) {
      try Synthesizer(soundFont: fake.path, sampleRate: 22_050)
    }
    let renderer = NoteRenderer(soundFont: fake.path, sampleRate: 22_050, tail: 0.1)
    let error = #expect(throws: NoteError.self) { try renderer.render([n(60, 90, 0, 0.2)]) }
    #expect(error?.description.contains("fake.sf2") == true)
  }

  @Test func aMissingSoundFontNamesTheDebianPackage() {
    let error = #expect(throws: NoteError.self) {
      try NoteRenderer.findSoundFont(nil, candidates: ["/nonexistent/a.sf2"])
    }
    #expect(error?.description.contains("fluid-soundfont-gm") == true)
    #expect(error?.description.contains("`soundfont`") == true)
    #expect(throws: NoteError.soundFontMissing("/nonexistent/b.sf2: SoundFont not found or not readable (`soundfont`)"))
    {
      try NoteRenderer.findSoundFont("/nonexistent/b.sf2")
    }
  }

  /// Needs Debian's fluid-soundfont-gm, which `scripts/install-deps.sh` installs: fails without it.
  @Test func rendersSoundWhereTheNotesAreAndSilenceElsewhere() throws {
    try #require(
      FileManager.default.isReadableFile(atPath: "/usr/share/sounds/sf2/FluidR3_GM.sf2"),
      "install fluid-soundfont-gm (scripts/install-deps.sh)")
    let renderer = NoteRenderer(soundFont: "/usr/share/sounds/sf2/FluidR3_GM.sf2", sampleRate: 22_050, tail: 0.5)
    let audio = try renderer.render([n(69, 100, 0.5, 1.0)])
    #expect(audio.count == 2 * Int((1.5 * 22_050.0).rounded(.up)))
    func rms(_ from: Double, _ to: Double) -> Double {
      let a = Int(from * 22_050) * 2
      let b = Int(to * 22_050) * 2
      return (audio[a..<b].map { Double($0 * $0) }.reduce(0, +) / Double(b - a)).squareRoot()
    }
    #expect(rms(0, 0.45) < 1e-4)
    #expect(rms(0.55, 0.95) > 1e-3)
    #expect(audio.allSatisfy { $0.isFinite && abs($0) <= 1.5 })
  }
}
