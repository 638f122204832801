from django.core.management.base import BaseCommand

from reports.demo.scale import generate_plan


class Command(BaseCommand):
    help = "生成用于基准测试的合成计划(区域、指标、年度目标和季度数据),结果可复现。"

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=1000)
        parser.add_argument("--indicators", type=int, default=20)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--first-year", type=int, default=2025)
        parser.add_argument("--quarters", type=int, default=None, help="默认:全部季度")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--inactive", action="store_true", help="不设为当前计划(默认设为当前计划)"
        )

    def handle(self, *args, **options):
        plan = generate_plan(
            regions=options["regions"],
            indicators=options["indicators"],
            years=options["years"],
            first_year=options["first_year"],
            quarters=options["quarters"],
            seed=options["seed"],
            active=not options["inactive"],
        )
        self.stdout.write(
            f"{plan.name}: {plan.regions.count()} regions, "
            f"{plan.indicators.count()} indicators, "
            f"{plan.indicators.first().figures.model.objects.filter(indicator__plan=plan).count()}"
            " figures"
        )
