"""The default organizational-life rules (支部工作条例, 2018, with the local rules the seed
articles name).  Loaded by a data migration as rule set version 1; localities publish
their own versions instead of editing these."""

B, GB, G = "branch", "general_branch", "group"

# code, name, quorum basis, counts service, default hours, has steps, description
ACTIVITY_TYPES = [
    ("branch_general_meeting", "支部党员大会", "full_members", False, 0, False, "讨论决定发展党员、处分等重要事项"),
    ("branch_committee_meeting", "支委会", "committee", False, 0, False, "支部委员会会议"),
    ("group_meeting", "党小组会", "", False, 0, False, "党小组组织生活"),
    ("party_lecture", "党课", "", False, 0, False, "书记每年至少讲一次党课"),
    ("theme_party_day", "主题党日", "", False, 0, False, "每月固定一天开展"),
    ("org_life_meeting", "组织生活会", "", False, 0, False, "一般每年第四季度召开"),
    ("democratic_appraisal", "民主评议党员", "full_members", False, 0, False, "每年开展一次"),
    ("heart_talk", "谈心谈话", "", False, 0, False, "每年至少一次"),
    ("vanguard_day", "党员先锋日", "", True, 2, False, "每月最后一个星期五到社区志愿服务"),
    ("joint_meeting", "联席会议", "", False, 0, False, "与驻区单位共商共议"),
    ("residents_deliberation", "居民议事会", "", False, 0, True, "民事民提、民议、民决、民办、民评"),
    ("building_circle", "楼栋熟人圈", "", False, 0, False, "楼栋居民月度聚会"),
    ("volunteer_service", "志愿服务", "", True, 2, False, "党员志愿服务活动"),
]

# code, frequency, min count, organization kinds, categories
DEFAULT_RULES = [
    ("branch_general_meeting", "quarterly", 1, [B, GB], []),
    ("branch_committee_meeting", "monthly", 1, [B, GB], []),
    ("group_meeting", "monthly", 1, [G], []),
    ("party_lecture", "quarterly", 1, [B, GB], []),
    ("theme_party_day", "monthly", 1, [B, GB], []),
    ("org_life_meeting", "yearly", 1, [B, GB], []),
    ("democratic_appraisal", "yearly", 1, [B, GB], []),
    ("heart_talk", "yearly", 1, [B, GB], []),
    ("vanguard_day", "last_friday", 1, [B], ["compound", "community", "grid"]),
    ("joint_meeting", "as_needed", 1, [], []),
    ("residents_deliberation", "as_needed", 1, [], []),
    ("building_circle", "as_needed", 1, [], []),
    ("volunteer_service", "as_needed", 1, [], []),
]
