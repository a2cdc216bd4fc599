"""Read stage settings: the tuned numbers of parsing, the hidden-text filter and OCR, each with
what measured it. Change them with flags or a config file ([read] section, `extract settings`
lists them), never by editing this file; code reads them as `settings.NAME` at call time."""
from __future__ import annotations

PARSE_TIMEOUT = 60.0        # seconds of CPU per PDF (and per OCR'd page); --parse-timeout
PARSE_MEMORY_MB = 2048      # MB a parser child may map beyond what it inherited; --parse-memory
# a .txt larger than this (MB) is rejected `too_large` unread (0: no cap). Finding candidates
# grows with the square of the text: 0.1 MB of prose took 23 s, 0.5 MB 528 s, 0.1 MB of repeated
# invoice text 77 s (one core, fake model). Text per PDF: real ad orders median 5 KB, largest 70 KB;
# e-invoice set largest 4 KB
MAX_TEXT_MB = 0.25
WALL_FACTOR = 4     # a parser child may take this many times the limit in wall time while
                    # it waits for a core (the model runs meanwhile); its CPU time is the limit
MIN_SIZE = 1.5          # points; normal print is >= 5 pt, footnotes >= 4 pt
MIN_CONTRAST = 0.15     # RGB distance in [0, 1.73]; #EEEEEE on white is 0.12, #DDDDDD is 0.23
SCAN_COVER = 0.5        # an image over this share of the page makes it a scan
DPI = 200                    # render resolution; PP-OCR reads 8-12 pt print well from here
MAX_SIDE_PX = 4000          # never render a page larger than this (memory)
NATIVE = True               # a scan is rendered at its image's own resolution (no resampling)
MIN_SIDE_PX = 2000          # ... but with its long side at least this long
DET_SIDE = 1280             # text lines are found on the page scaled to this side (speed)
REC_BATCH = 6               # line crops recognized per model call (the wheel's default)
# a batch of line crops (48 px high) is padded to its widest crop but at least this wide; the
# wheel's 320 made every short field ("Date:", "$40.00") cost a 320-px line. Measured with 48:
# the same extracted fields on the labelled scans, about a third less recognition CPU
REC_WIDTH = 48
# pixels of padded crop width per recognition call (0: the wheel's whole batch at once). The
# model scores every crop position against 18,710 characters, so a batch of six lines padded to
# 4,300 px gave 240 MB per output tensor and took the OCR process to 1.5 GB; a wide batch now goes
# a few crops at a time (each crop is scored on its own: the same numbers) and each output is
# reduced at once to the best character and its score per position, all the decoder reads.
REC_SLICE_PX = 2048
# onnxruntime threads per model call (0: its default, one per core). One thread costs 10-19%
# less CPU per page but a document's pages are OCR'd one after another in one process, so on an
# otherwise idle core the run waits longer for them: measured side by side on 20 ad orders,
# achieved 3.82-4.10 s/doc with one thread against 3.00-3.05 with the default
ENGINE_THREADS = 0
REOCR_SCAN_LAYERS = True    # auto: a scan's invisible OCR layer is read again (measured better)
FEW_WORDS = 12               # a page with fewer words is checked for a page-sized image
IMAGE_COVER = 0.5            # ... and OCR'd when images cover this share of it
IMPLAUSIBLE = 0.25          # share of implausible words that marks a bad OCR layer
MISSED_SPACE = 0.18         # a gap this share of the line height after punctuation is a space
BOX_SHRINK = 0.74           # OCR line boxes are padded; this brings them to glyph height
ROW_TOLERANCE = 0.5         # detected lines whose middles are this share of a height apart: a row
ROW_OVERLAP = 0.3           # ... unless they overlap by this share of a height (stacked rows)
ORIENT_LINES = 24           # the longest lines the orientation classifier reads per page
WORKER_PAGES = 300          # pages a process reads before it is replaced
