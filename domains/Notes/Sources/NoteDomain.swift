// NoteDomain: the Notes domain (see issues). Work in progress.
import SeqGenEngine
