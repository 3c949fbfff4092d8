from django import forms
from django.utils.translation import gettext_lazy

from organizations.imports.importers import XLSX_CONTENT_TYPE, ImportFileError, check_upload_file, check_upload_meta


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE, "class": "form-control"}),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_file(self):
        """Name, size, declared type and the zip's directory only: the workbook is parsed by
        the worker (``run_import``), never in the web request."""
        upload = self.cleaned_data["file"]
        try:
            check_upload_meta(name=upload.name, size=upload.size, content_type=getattr(upload, "content_type", ""))
            check_upload_file(upload)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc), code="bad_file") from exc
        finally:
            upload.seek(0)
        return upload
