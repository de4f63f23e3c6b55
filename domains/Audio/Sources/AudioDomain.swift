// AudioDomain: the Audio domain (see issues). Work in progress.
import SeqGenEngine
