"""Training the reader (torch, `make train-reader`); never imported by docqa itself."""
