"""``bilingual serve``: a LibreTranslate-compatible HTTP service with cross-request batching and a web page.

:mod:`bilingual.serve.service` holds the models and glossaries, :mod:`bilingual.serve.batching`
shares engine batches across requests, :mod:`bilingual.serve.keys` checks API keys and rate limits,
and :mod:`bilingual.serve.app` is the FastAPI app (docs/serve.md).
"""
