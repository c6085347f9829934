from billing.importers import ContractsImport


class Command(ContractsImport):
    pass
