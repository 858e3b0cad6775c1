"""仪表盘 梯队健康度 (the first page after log-in)."""
