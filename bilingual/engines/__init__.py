"""Translation engines behind one protocol (see :mod:`bilingual.engines.base`)."""
