import Foundation
import SeqGenEngine
import Testing

@testable import NoteDomain

/// Performance RNN's augmentation: a transposition and a time stretch drawn per file and epoch,
/// kept in the codec so a resumed run continues it, and never applied to validation data.
@Suite struct NoteAugmentationTests {
  static let file = Fixtures.openmsx.appendingPathComponent("ultimate_run.mid")

  @Test func aVariantIsOneTranspositionAndOneStretchDrawnFromTheSeed() throws {
    let notes = try NoteDomain().notes(of: Self.file)
    let augmentation = NoteAugmentation(transpose: 3, stretch: 0.1)
    let variants = (0..<8).map { augmentation.variant(of: notes, seed: UInt64($0)) }
    for v in variants {
      let shift = v[0].pitch - notes[0].pitch
      let factor = v.last!.end / notes.last!.end
      #expect((-3...3).contains(shift))
      #expect(factor >= 0.9 && factor <= 1.1)
      #expect(v.count == notes.count)
      #expect(zip(v, notes).allSatisfy { $0.pitch - $1.pitch == shift && abs($0.start - $1.start * factor) < 1e-9 })
    }
    #expect(Set(variants.map { $0[0].pitch }).count > 1)
    #expect(Set(variants.map { $0.last!.end }).count > 1)
    #expect(augmentation.variant(of: notes, seed: 3) == variants[3])
  }

  @Test func notesTransposedOutOf0To127AreDropped() {
    let notes = [n(2, 64, 0, 1), n(60, 64, 0, 1), n(125, 64, 1, 2)]
    let augmentation = NoteAugmentation(transpose: 24, stretch: 0)
    var shifts = Set<Int>()
    for seed in UInt64(0)..<40 {
      let v = augmentation.variant(of: notes, seed: seed)
      let shift = v.first { $0.start == 0 && $0.pitch >= 36 }!.pitch - 60
      shifts.insert(shift)
      #expect(v.allSatisfy { (0...127).contains($0.pitch) })
      #expect(v.map(\.pitch) == notes.map(\.pitch).map { $0 + shift }.filter { (0...127).contains($0) })
    }
    #expect(shifts.contains { $0 < -2 } && shifts.contains { $0 > 2 }, "some draws push a note out on each side")
  }

  /// The events of a variant are what reading the transformed file would give: on the grid, in
  /// the vocabulary, with nothing changed when nothing is drawn.
  @Test func augmentedEventsAreOnTheGridAndTheDataAsReadWhenNothingIsDrawn() throws {
    let sequences = try NoteDomain().read([Self.file])
    let plain = try NoteDomain().makeCodec(for: sequences)
    #expect(!NoteDomain().augments(plain))
    #expect(NoteDomain().augment(sequences[0], codec: plain, seed: 1).steps == sequences[0].steps)
    var zero = plain
    zero.augmentation = NoteAugmentation(transpose: 0, stretch: 0)
    #expect(NoteDomain().augment(sequences[0], codec: zero, seed: 1).steps == sequences[0].steps)
    var codec = plain
    codec.augmentation = NoteAugmentation(transpose: 5, stretch: 0.2)
    let original = plain.encoding.decode(sequences[0].steps, maxNoteSeconds: nil)
    for seed in UInt64(0)..<4 {
      let events = NoteDomain().augment(sequences[0], codec: codec, seed: seed).steps
      for e in events { _ = try codec.encoding.index(of: e) }
      let notes = codec.encoding.decode(events, maxNoteSeconds: nil)
      let factor = codec.encoding.seconds(of: events) / codec.encoding.seconds(of: sequences[0].steps)
      #expect(factor >= 0.8 - 0.01 && factor <= 1.2 + 0.01)
      #expect(notes.count == original.count)
      #expect(Set(zip(notes, original).map { $0.pitch - $1.pitch }).count == 1)
    }
  }

  @Test func theCodecKeepsTheAugmentationSoResumeContinuesIt() throws {
    let augmentation = NoteAugmentation(transpose: 3, stretch: 0.05)
    let domain = NoteDomain(augmentation: augmentation)
    let codec = try domain.makeCodec(for: domain.read([Self.file]))
    #expect(codec.augmentation == augmentation)
    #expect(domain.augments(codec))
    let decoded = try JSONDecoder().decode(NoteCodec.self, from: JSONEncoder().encode(codec))
    #expect(decoded == codec)
    #expect(NoteDomain(codec: decoded).augmentation == augmentation)
    // Without augmentation the codec is written as before, and such codecs read back without one.
    var plain = codec
    plain.augmentation = nil
    let json = try JSONEncoder().encode(plain)
    #expect(!String(decoding: json, as: UTF8.self).contains("augmentation"))
    #expect(try JSONDecoder().decode(NoteCodec.self, from: json).augmentation == nil)
    // Settings out of range in a manifest are refused like flags.
    let bad = String(decoding: try JSONEncoder().encode(codec), as: UTF8.self).replacingOccurrences(
      of: "\"transpose\":3", with: "\"transpose\":99")
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(NoteCodec.self, from: Data(bad.utf8)) }
  }

  @Test(arguments: [(25, 0.0, "`transpose`"), (-1, 0.0, "`transpose`"), (3, 0.6, "`stretch`"), (3, -0.01, "`stretch`")])
  func outOfRangeSettingsNameTheFlag(transpose: Int, stretch: Double, flag: String) {
    #expect(throws: NoteError.self) { try NoteAugmentation(transpose: transpose, stretch: stretch).validate() }
    do { try NoteAugmentation(transpose: transpose, stretch: stretch).validate() } catch {
      #expect(error.description.contains(flag))
    }
    #expect(throws: Never.self) { try NoteAugmentation(transpose: 24, stretch: 0.5).validate() }
  }

  /// A notes run trains on variants but validates on the files as read.
  @Test func anAugmentedRunValidatesOnTheDataAsRead() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    var o = TrainingOptions()
    (o.hiddenSize, o.numLayers, o.batchSize, o.seqLength, o.steps) = (8, 1, 4, 16, 1)
    let files = ["ultimate_run.mid", "coconut_run2.mid"].map { Fixtures.openmsx.appendingPathComponent($0) }
    func trainer(_ domain: NoteDomain, _ name: String) throws -> Trainer<NoteDomain> {
      try Trainer(
        domain: domain, sequences: domain.read(files), dataPaths: [], options: o,
        run: RunDirectory(dir.url.appendingPathComponent(name)),
        resume: false)
    }
    let plain = try trainer(NoteDomain(), "plain")
    let augmented = try trainer(NoteDomain(augmentation: NoteAugmentation(transpose: 3, stretch: 0.2)), "augmented")
    #expect(augmented.validationSteps == plain.validationSteps)
    #expect(augmented.validationLoss.natsPerStep == plain.validationLoss.natsPerStep)
    #expect(augmented.manifest.data == plain.manifest.data)
    #expect(augmented.trainingSteps != plain.trainingSteps)
  }
}
