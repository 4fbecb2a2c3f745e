"""PDF reports in English and Ukrainian."""
