"""Invoice files: upload checks and storage, attachments, dossier size, serving, the deposit
certificate and the PDF of an online entry."""
