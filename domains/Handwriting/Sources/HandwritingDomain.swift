// HandwritingDomain: the Handwriting domain (see issues). Work in progress.
import SeqGenEngine
