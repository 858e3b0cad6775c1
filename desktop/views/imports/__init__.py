"""数据导入: the import history page and the import wizard."""
