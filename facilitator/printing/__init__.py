"""Printing: every PDF the app makes (handouts, run sheets, packs, worksheets, posters, results), and QR codes."""
