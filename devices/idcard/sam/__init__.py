"""Chinese ID card readers that talk to a SAM module over a serial port (GA 467 frames).

``frame`` encodes and decodes the byte frames, ``status`` names every SW3 status code,
``text_block`` decodes the 256-byte text block of the four card layouts, ``link`` runs
one command/response exchange over pyserial with bounded timeouts, ``driver`` is the
``sam://`` device (presence polling, reads), ``wlt`` the photo decoder plugin point.
"""
