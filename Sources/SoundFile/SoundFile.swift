// The one libsndfile wrapper (audio domain and MIDI rendering); implemented by the audio issue.
import CSndFile
