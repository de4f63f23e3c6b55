// The project's own test helpers (signals, hand-made WAV files) over the shipped testing product
// (`DomainConformance`, `TemporaryDirectory`, `TrainingOptions.tiny`).
@_exported import SeqGenTesting
