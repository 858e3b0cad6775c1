"""The growth archive: employees and who sees whom (``employees``), training, achievements,
feedback, attachments, scores and the timeline (``records``), stores and who runs them
(``stores``), the rows of Tidui's own templates (``template_import``) and one person's
export (``personal_export``).
"""
