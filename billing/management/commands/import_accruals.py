from billing.importers import AccrualsImport


class Command(AccrualsImport):
    pass
