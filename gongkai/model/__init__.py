"""The domain model: departments, projects, reports and their figures (部门、项目、报告)."""
