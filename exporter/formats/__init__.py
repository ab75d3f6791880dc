"""Built-in formats, one module each: reader, writer and mapping tables together."""
