"""Reading import files: upload checks and tables (``files``), column headers and cell values
(``columns``), and the capture channels: e-mail, call logs, WeChat chats (``capture``)."""
