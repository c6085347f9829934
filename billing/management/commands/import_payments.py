from billing.importers import PaymentsImport


class Command(PaymentsImport):
    pass
