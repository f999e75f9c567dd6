"""Ingestion and retrieval: loaders, chunking, embeddings, the Chroma store, lexical index,
hybrid retriever. Never imports `bot/`."""
