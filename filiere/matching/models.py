"""The matching index: one row per searchable document, and its embedding vectors.

Other apps (showcase, talent, needs) push their searchable texts here through
`services.index_documents`; the engine never reads their tables. Search reads in-process arrays
built from `Document.terms` and `skill_ids` (`filiere.matching.corpus`), not a database index.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """A text to search, identified by the caller's (doc_type, doc_id)."""

    doc_type = models.CharField(_("type"), max_length=40)
    doc_id = models.BigIntegerField(_("identifiant"))
    text = models.TextField(_("texte"))
    # Folded, stemmed words of `text` (what the lexical channel sees), so plurals and accents match.
    terms = models.TextField(_("termes indexés"), blank=True)
    skill_ids = models.JSONField(_("compétences"), default=list, blank=True)
    content_hash = models.CharField(_("empreinte du texte"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "doc_id"], name="matching_document_uniq")]
        indexes = [models.Index(fields=["doc_type", "updated_at"], name="matching_doc_type_upd")]
        verbose_name = _("document indexé")
        verbose_name_plural = _("documents indexés")

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.doc_id}"


class DocumentVector(models.Model):
    """An embedding of a document by one model version (float32 bytes, L2-normalised)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="vectors")
    model_name = models.CharField(_("modèle"), max_length=100)
    model_version = models.CharField(_("version du modèle"), max_length=40)
    dim = models.PositiveIntegerField(_("dimension"))
    vector = models.BinaryField(_("vecteur"))
    created_at = models.DateTimeField(_("calculé le"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "model_name", "model_version"], name="matching_vector_uniq"
            )
        ]
        indexes = [models.Index(fields=["model_name", "model_version"], name="matching_vec_model")]
        verbose_name = _("vecteur de document")
        verbose_name_plural = _("vecteurs de documents")

    def __str__(self) -> str:
        return f"{self.document_id} ({self.model_name} {self.model_version})"


class IndexState(models.Model):
    """Version tokens of one doc_type's index, so every process knows when its caches are stale.

    Written in the same transaction as the documents (``docs_version``) or their vectors
    (``vectors_version``); random tokens, so a rolled-back write never matches a cached one.
    """

    doc_type = models.CharField(_("type"), max_length=40, unique=True)
    docs_version = models.CharField(_("version des documents"), max_length=32)
    vectors_version = models.CharField(_("version des vecteurs"), max_length=32)

    class Meta:
        verbose_name = _("état de l'index")
        verbose_name_plural = _("états de l'index")

    def __str__(self) -> str:
        return self.doc_type
