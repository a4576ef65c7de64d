from django.contrib import admin

from . import models

for model in (models.CollegeRules, models.FeeBand, models.Membership, models.FeeCall, models.Payment, models.Merger,
              models.Body, models.Meeting, models.Decision, models.FundingLine, models.LedgerEntry):  # fmt: skip
    admin.site.register(model)
