"""员工档案: the employee list, form and archive tabs."""
