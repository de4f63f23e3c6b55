import AudioCLI
import HandwritingCLI
import NotesCLI
import SeqGenCommands
import SpeechCLI
import TextCLI

// The one list of domains this seqgen serves: train, generate, eval, inspect, bench and demo
// all derive from it.
SeqGen.main(domains: [
  TextCommands.self, HandwritingCommands.self, NotesCommands.self, AudioCommands.self, SpeechCommands.self,
])
