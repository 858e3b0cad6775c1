"""Preview, print, save and export the promotion documents (core/reports)."""
