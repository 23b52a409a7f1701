"""Reading audio files: what a file really is (by its bytes, not its name) and what it holds
(duration, format, waveform peaks, loudness), plus the lighter preview the players stream.

Plain functions on local paths and open files, with no models: the upload and processing
services (`studio.services.audio_uploads`) call them and store what they return.
"""
